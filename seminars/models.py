"""Models of the seminars app: added by its issue."""
