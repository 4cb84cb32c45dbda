"""LKA payments service: online card payments and payment history."""
