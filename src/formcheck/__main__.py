"""``python -m formcheck``."""

from formcheck.cli import main

if __name__ == "__main__":
    main()
