package dev.tether.testing;

import org.junit.jupiter.api.AfterEach;

/** The in-memory broker keeps the same contract as Redis and NATS. */
class InMemoryBrokerContractTest extends BrokerContract {
    private final InMemoryBroker.Hub hub = new InMemoryBroker.Hub();

    @Override
    protected Cluster newCluster() {
        return hub::newBroker;
    }

    @AfterEach
    void closeHub() {
        hub.close();
    }
}
