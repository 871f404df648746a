package dev.tether.cluster.redis;

import dev.tether.testing.BrokerContract;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** The Redis broker keeps the contract of every broker, against the Redis on 127.0.0.1:6379. */
class RedisBrokerContractTest extends BrokerContract {
    private final List<String> prefixes = new ArrayList<>();

    @Override
    protected Cluster newCluster() {
        String prefix = TestRedis.newPrefix();
        prefixes.add(prefix);
        return () -> RedisBroker.builder(TestRedis.URI).prefix(prefix).build();
    }

    @AfterEach
    void deleteKeys() {
        prefixes.forEach(prefix -> TestRedis.deleteKeys(TestRedis.URI, prefix));
    }
}
