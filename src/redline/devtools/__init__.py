"""Tools for working on Redline itself (generated docs); not used at run time."""
