"""Load and timing figures for the site (`python -m bench`, `make bench`); not run by CI."""
