"""Executable judges: math answers, code, steps and the sandboxes they run in."""
