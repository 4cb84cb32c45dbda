"""Private server instances the reliability drills may stop, kill and start (docs/messaging.md, tests).

The shared PostgreSQL and RabbitMQ of the machine are never stopped: a drill that needs a
database or a broker to go away starts one of these first, on free ports and in a temporary
folder of its own, and removes it in `finally` (each class is a context manager).

- `PrivatePostgres`: a cluster made with `initdb`, run with `pg_ctl` as the `postgres` OS user
  (PostgreSQL refuses to run as root); `stop(mode="immediate")` is a crash for the clients.
- `PrivateRabbitMQ`: a second RabbitMQ node with its own node name, AMQP and distribution
  ports, data, log, config and cookie; `kill()` is a SIGKILL of the whole node and `start()`
  again recovers its durable state from the same data folder.
- `PrivateMailCatcher`: the development mail catcher (`python -m lka_mailcatcher`) on free
  ports, to count the letters a consumer sends.
- `PrivatePgBouncer`: PgBouncer in transaction mode in front of a server (`make bench --pooler`).

A private PostgreSQL costs a drill well under a second, a RabbitMQ node several seconds: the
drills that start one are the slow ones (figures in docs/drills.md, "What they run on").
"""

from lka_common.testing.private_servers.mailcatcher import PrivateMailCatcher
from lka_common.testing.private_servers.pgbouncer import PrivatePgBouncer
from lka_common.testing.private_servers.postgres import PrivatePostgres
from lka_common.testing.private_servers.rabbitmq import PrivateRabbitMQ

__all__ = ["PrivateMailCatcher", "PrivatePgBouncer", "PrivatePostgres", "PrivateRabbitMQ"]
