-- Run once by the postgres image on an empty data directory (/docker-entrypoint-initdb.d).
-- One role and one database per service, as `lka-dev bootstrap` creates them locally
-- (tools/devstack/src/lka_devstack/databases.py): role = database = password = lka_<service>,
-- with the role's own statement timeout, the one its sessions get behind a transaction pooler
-- (docs/operations.md, "Connection budget").
-- Development only: production databases are managed (docs/operations.md, Deploy).
CREATE ROLE lka_identity LOGIN PASSWORD 'lka_identity';
ALTER ROLE lka_identity SET statement_timeout = 5000;
CREATE DATABASE lka_identity OWNER lka_identity;
CREATE ROLE lka_accounts LOGIN PASSWORD 'lka_accounts';
ALTER ROLE lka_accounts SET statement_timeout = 5000;
CREATE DATABASE lka_accounts OWNER lka_accounts;
CREATE ROLE lka_readings LOGIN PASSWORD 'lka_readings';
ALTER ROLE lka_readings SET statement_timeout = 5000;
CREATE DATABASE lka_readings OWNER lka_readings;
CREATE ROLE lka_payments LOGIN PASSWORD 'lka_payments';
ALTER ROLE lka_payments SET statement_timeout = 5000;
CREATE DATABASE lka_payments OWNER lka_payments;
CREATE ROLE lka_notifications LOGIN PASSWORD 'lka_notifications';
ALTER ROLE lka_notifications SET statement_timeout = 5000;
CREATE DATABASE lka_notifications OWNER lka_notifications;
