"""Sample traces shipped with stepscore (the default input of `stepscore eval`)."""
