"""``python -m scheduler`` runs the same command-line interface as the ``scheduler`` script."""

from scheduler.cli import main

if __name__ == "__main__":
    main()
