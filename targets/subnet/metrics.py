"""`/metrics` of `zkc serve`, in Prometheus' text format (prometheus_client): requests by
circuit and status, requests queued and proving, and prove seconds per circuit."""

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

BUCKETS = (0.5, 1, 2, 4, 8, 15, 30, 60, 120, 300)


class ServeMetrics:
    """The server's metrics, in a registry of its own (one per app)."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self):
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "zkc_requests",
            "Prove requests answered, by circuit and status",
            ["circuit", "status"],
            registry=self.registry,
        )
        self.queued = Gauge(
            "zkc_queue_depth", "Requests waiting for a prover", registry=self.registry
        )
        self.proving = Gauge("zkc_proving", "Requests being proved", registry=self.registry)
        self.prove_seconds = Histogram(
            "zkc_prove_seconds",
            "Prove wall time per request",
            ["circuit"],
            buckets=BUCKETS,
            registry=self.registry,
        )

    def answered(self, circuit: str, status: int) -> None:
        self.requests.labels(circuit=circuit, status=str(status)).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
