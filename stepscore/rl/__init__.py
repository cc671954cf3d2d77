"""Advantage estimators and trainers for outcome- and process-level RL (GRPO, PPO)."""
