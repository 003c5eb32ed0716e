"""``python -m qualcode``."""

from qualcode.cli import main

main()
