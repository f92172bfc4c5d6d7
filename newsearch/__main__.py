"""``python -m newsearch`` runs the command line tool."""

from newsearch.cli import main

if __name__ == "__main__":
    main()
