"""Models of the supporters app: added by its issue."""
