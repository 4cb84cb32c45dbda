"""Development mail catcher of the LKA: letters sent over SMTP, readable over HTTP."""
