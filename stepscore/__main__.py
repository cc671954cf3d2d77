from stepscore.cli import main

raise SystemExit(main())
