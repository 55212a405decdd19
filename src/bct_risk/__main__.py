"""Run the command line with ``python -m bct_risk``."""

from bct_risk.cli import main

main()
