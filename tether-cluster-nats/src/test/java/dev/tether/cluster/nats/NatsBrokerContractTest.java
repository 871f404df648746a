package dev.tether.cluster.nats;

import dev.tether.testing.BrokerContract;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** The NATS broker keeps the contract every broker keeps, against the NATS server at 127.0.0.1:4222. */
class NatsBrokerContractTest extends BrokerContract {
    private final NatsTestServer nats = NatsTestServer.shared();
    private final List<String> prefixes = new ArrayList<>();

    @Override
    protected Cluster newCluster() {
        String prefix = NatsTestServer.uniquePrefix();
        prefixes.add(prefix);
        return () -> NatsBroker.builder(nats.url()).prefix(prefix).build();
    }

    @AfterEach
    void deleteStreams() throws Exception {
        for (String prefix : prefixes) {
            nats.deleteStreams(prefix);
        }
    }
}
