package dev.tether.cli;

import dev.tether.client.ConnectionConfig;
import dev.tether.client.ConnectionException;
import dev.tether.client.ConnectionListener;
import dev.tether.client.ConnectionState;
import dev.tether.client.Disconnection;
import dev.tether.client.PresenceMember;
import dev.tether.client.Publication;
import dev.tether.client.RpcCallException;
import dev.tether.client.SubscribeOptions;
import dev.tether.client.Subscribed;
import dev.tether.client.SubscriptionListener;
import dev.tether.client.TetherClient;
import dev.tether.core.Backoff;
import dev.tether.core.Clock;
import dev.tether.core.StreamPosition;
import dev.tether.core.TetherException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tether listen URL [--join NAME ...] [--subscribe NAME ... [--join-leave]]}: stays connected, reconnecting
 * after every drop without a limit on attempts, prints every packet the server pushes as a JSON line on standard
 * output and every state change on standard error. Joined channels are joined again after each reconnect; subscribed
 * ones are subscribed again with recovery, and standard error tells what was recovered, what was not, and the gaps.
 * Runs until Ctrl-C (exit 0) or until the connection gives up (exit 1).
 */
@Command(
        name = "listen",
        mixinStandardHelpOptions = true,
        description = {
            "Stays connected and prints every packet as a JSON line; state changes go to standard error.",
            "",
            "Reconnects after every drop (the server restarting, the network) and joins the channels again.",
            "Channels given with --subscribe are subscribed again with recovery (Tether's extension): the",
            "publications missed meanwhile are printed first; standard error says how many, or that they are lost.",
            ""
        })
final class ListenCommand implements Callable<Integer> {
    @Spec
    @SuppressWarnings("NullAway.Init") // injected by picocli before call()
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "URL", description = "The server, e.g. ws://127.0.0.1:8765/")
    @SuppressWarnings("NullAway.Init")
    String url;

    @Option(
            names = "--join",
            paramLabel = "NAME",
            description = "A channel (or glob pattern) to join; repeat for more.")
    List<String> channels = new ArrayList<>();

    @Option(
            names = "--subscribe",
            paramLabel = "NAME",
            description = "A channel to subscribe to with recovery of what a drop missed (the built-in subscribe with"
                    + " positions); repeat for more.")
    List<String> subscriptions = new ArrayList<>();

    @Option(
            names = "--join-leave",
            description = "With --subscribe: print the join and leave events of those channels on standard error.")
    boolean joinLeave;

    @Option(
            names = "--via-rpc",
            paramLabel = "METHOD",
            defaultValue = "join",
            description = "The RPC method that joins a channel (default: ${DEFAULT-VALUE}).")
    String joinMethod = "join";

    @Mixin
    ClientOptions options = new ClientOptions();

    /** The clock of the client; tests replace it. */
    Clock clock = Clock.system();

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CompletableFuture<@Nullable TetherException> ended = new CompletableFuture<>();
        ConnectionConfig.Builder connection = ConnectionConfig.builder()
                .reconnectBackoff(
                        Backoff.connectDefault().toBuilder().unlimitedAttempts().build())
                .listener(new StateReporter(err, ended));
        TetherClient client = TetherClient.create(options.config(spec, url, clock, 5, connection)
                .joinMethod(joinMethod)
                .build());
        client.onReceive(packet -> {
            out.println(Json.write(packet));
            out.flush();
        });
        Thread hook = new Thread(() -> client.close().toCompletableFuture().join(), "tether-listen-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            CallCommand.await(client.connect());
            for (String channel : channels) {
                CallCommand.await(client.join(channel));
                err.println("joined " + channel);
                err.flush();
            }
            SubscribeOptions subscribeOptions =
                    SubscribeOptions.builder().joinLeave(joinLeave).build();
            for (String channel : subscriptions) {
                CallCommand.await(subscribe(client, channel, subscribeOptions, out, err));
            }
            TetherException error = ended.get();
            if (error != null) {
                err.println(spec.qualifiedName() + ": " + error.getMessage());
                return 1;
            }
            return 0;
        } catch (RpcCallException e) {
            return CallCommand.report(spec, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the end of a listen cannot fail", e);
        } finally {
            removeHook(hook);
            client.close().toCompletableFuture().join();
        }
    }

    private CompletableFuture<Subscribed> subscribe(
            TetherClient client, String channel, SubscribeOptions options, PrintWriter out, PrintWriter err) {
        try {
            return client.subscribe(channel, options, new SubscriptionReporter(out, err));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ParameterException(spec.commandLine(), "--subscribe: " + e.getMessage(), e);
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it closes the client
        }
    }

    /**
     * Prints a subscription's publications as JSON lines on standard output, and its answers, gaps and presence
     * events on standard error; runs on the event loop.
     */
    private static final class SubscriptionReporter implements SubscriptionListener {
        private final PrintWriter out;
        private final PrintWriter err;

        SubscriptionReporter(PrintWriter out, PrintWriter err) {
            this.out = out;
            this.err = err;
        }

        private void print(String line) {
            err.println(line);
            err.flush();
        }

        @Override
        public void onPublication(Publication publication) {
            out.println(Json.write(publication.packet()));
            out.flush();
        }

        @Override
        public void onSubscribed(Subscribed s) {
            Boolean recovered = s.recovered();
            StreamPosition position = s.position();
            if (recovered == null) {
                print("subscribed " + s.channel()
                        + (position != null ? " at " + position : " without positions (the channel keeps no history)"));
            } else if (recovered) {
                print("recovered " + s.channel() + ": " + s.recoveredPublications() + " missed publication"
                        + (s.recoveredPublications() == 1 ? "" : "s"));
            } else {
                print("not recovered " + s.channel() + ": "
                        + (s.recoverable() ? "the history is gone; reload" : "the channel keeps no history")
                        + (position != null ? " (live from " + position + ")" : ""));
            }
        }

        @Override
        public void onGap(String channel, StreamPosition expected, StreamPosition got) {
            print("gap " + channel + ": "
                    + (expected.sameEpoch(got)
                            ? "expected " + expected.offset() + ", got " + got.offset()
                            : "expected " + expected + ", got " + got + " (the history restarted)"));
        }

        @Override
        public void onJoin(String channel, PresenceMember member) {
            print("join " + channel + " " + describe(member));
        }

        @Override
        public void onLeave(String channel, PresenceMember member) {
            print("leave " + channel + " " + describe(member));
        }

        @Override
        public void onUnsubscribed(String channel, @Nullable TetherException cause) {
            print("unsubscribed " + channel + (cause == null ? "" : ": " + cause.getMessage()));
        }

        private static String describe(PresenceMember member) {
            Object info = member.info();
            return member.session() + (info == null ? "" : " " + Json.write(info));
        }
    }

    /** Prints every change of the connection on standard error, one line each; runs on the event loop. */
    private static final class StateReporter implements ConnectionListener {
        private final PrintWriter err;
        private final CompletableFuture<@Nullable TetherException> ended;

        StateReporter(PrintWriter err, CompletableFuture<@Nullable TetherException> ended) {
            this.err = err;
            this.ended = ended;
        }

        private void print(String line) {
            err.println(line);
            err.flush();
        }

        @Override
        public void onStateChanged(ConnectionState from, ConnectionState to) {
            print("state " + from + " -> " + to);
        }

        @Override
        public void onDisconnected(Disconnection d) {
            print("disconnected: " + d.code() + (d.reason().isEmpty() ? "" : " " + d.reason())
                    + (d.willReconnect() ? " (reconnecting)" : ""));
        }

        @Override
        public void onAttemptFailed(int attempt, ConnectionException error) {
            print(String.valueOf(error.getMessage()));
        }

        @Override
        public void onError(TetherException error) {
            print("error: " + error.getMessage());
        }

        @Override
        public void onEnded(@Nullable TetherException error) {
            print(error == null ? "ended" : "ended: " + error.getMessage());
            ended.complete(error);
        }
    }
}
