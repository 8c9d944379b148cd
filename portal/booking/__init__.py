"""The ONE sign-up engine: sessions, registrations, waiting lists, lottery, reminders (portal core)."""
