"""The development stack: local servers, databases, and every process under one supervisor."""
