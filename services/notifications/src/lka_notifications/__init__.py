"""LKA notifications service: e-mail letters and the feedback form (обратная связь)."""
