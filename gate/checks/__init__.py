"""The families of checks the gate runs, each a module with a `FAMILY`."""
