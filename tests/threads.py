"""Run jobs in threads released at the same moment, each on its own database connection: the
concurrency tests (PostgreSQL only; SQLite serialises every writer anyway)."""

import threading

from django.db import close_old_connections, connection

NEEDS_POSTGRESQL = "needs PostgreSQL: SQLite has no row locks and serialises all writers anyway"


def run_together(*jobs):
    """Run each job in its own thread (its own database connection), released at the same moment;
    each result is what the job returned or the exception it raised."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def worker(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as exc:
            results[index] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results
