"""Models of the programmes app: added by its issue."""
