package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.core.PacketSource;
import dev.tether.testing.InMemoryBroker;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two servers joined by the in-memory broker: a publication on either reaches the subscribers of both. */
class ClusterBrokerTest {
    private final InMemoryBroker.Hub hub = new InMemoryBroker.Hub();
    private final HttpClient http = HttpClient.newHttpClient();
    private final BlockingQueue<Session> sessions = new LinkedBlockingQueue<>();
    private final InMemoryBroker brokerA = hub.newBroker();
    private final InMemoryBroker brokerB = hub.newBroker();
    private final TetherServer a = node(brokerA);
    private final TetherServer b = node(brokerB);

    private TetherServer node(InMemoryBroker broker) {
        return TetherServer.builder()
                .host("127.0.0.1")
                .port(0)
                .clusterBroker(broker)
                .handler(new TetherHandler() {
                    @Override
                    public void onConnect(Session session) {
                        sessions.add(session);
                    }
                })
                .build()
                .start();
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
        hub.close();
    }

    private Session nextSession() throws InterruptedException {
        Session s = sessions.poll(10, TimeUnit.SECONDS);
        assertThat(s).as("a session connected").isNotNull();
        return s;
    }

    @Test
    void publicationReachesSubscribersOnEveryNodeInBothFormats() throws Exception {
        ChannelsTest.JsonClient onA = ChannelsTest.JsonClient.connect(http, a, true); // MessagePack
        nextSession().subscribe("news.*");
        ChannelsTest.JsonClient onB = ChannelsTest.JsonClient.connect(http, b, false); // JSON
        nextSession().subscribe("news.sport");
        await().atMost(Duration.ofSeconds(10)).until(() -> brokerB.interests().contains("news.sport"));

        assertThat(a.publish("news.sport", "goal")).isEqualTo(1); // one local delivery; B delivers its own
        for (ChannelsTest.JsonClient client : new ChannelsTest.JsonClient[] {onA, onB}) {
            var packet = client.next();
            assertThat(packet.source()).isEqualTo(PacketSource.CHANNEL);
            assertThat(packet.channel()).isEqualTo("news.sport");
            assertThat(packet.data()).isEqualTo("goal");
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> brokerA.interests().contains("news.*"));
        b.publish("news.sport", "back");

        assertThat(onB.next().data()).isEqualTo("back");
        assertThat(onA.next().data()).isEqualTo("back");
    }

    @Test
    void nodesTellTheBrokerOnlyTheirFirstAndLastSubscriber() throws Exception {
        ChannelsTest.JsonClient.connect(http, a, false);
        Session first = nextSession();
        ChannelsTest.JsonClient.connect(http, a, false);
        Session second = nextSession();

        first.subscribe("room");
        second.subscribe("room");
        await().atMost(Duration.ofSeconds(10)).until(() -> brokerA.interests().contains("room"));
        first.unsubscribe("room");
        assertThat(brokerA.interests()).contains("room");
        second.unsubscribe("room");

        await().atMost(Duration.ofSeconds(10)).until(() -> brokerA.interests().isEmpty());
    }
}
