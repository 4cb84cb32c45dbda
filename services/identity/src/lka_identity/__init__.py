"""LKA identity service: registration, sign-in, recovery, profile merge, sessions."""
