package dev.tether.cli;

import dev.tether.client.Call;
import dev.tether.client.ConnectionConfig;
import dev.tether.client.RpcCallException;
import dev.tether.client.TetherClient;
import dev.tether.core.Clock;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code tether stream URL METHOD [ARG ...]}: starts a streaming call and prints each item as a JSON line until the
 * stream ends (exit 0); an error ends it like a failed {@code tether call}.
 */
@Command(
        name = "stream",
        mixinStandardHelpOptions = true,
        description = {
            "Calls a streaming RPC method and prints each item as a JSON line until the end.",
            "",
            "Arguments are JSON literals (10, '\"x\"', '{\"a\":1}'); a plain word is a string.",
            "Exit codes: as for call.",
            ""
        })
final class StreamCommand implements Callable<Integer> {
    @Spec
    @SuppressWarnings("NullAway.Init") // injected by picocli before call()
    private CommandSpec spec;

    @Mixin
    CallArguments target = new CallArguments();

    @Mixin
    ClientOptions options = new ClientOptions();

    /** The clock of the client; tests replace it. */
    Clock clock = Clock.system();

    @Override
    public Integer call() throws InterruptedException {
        Call request = target.toCall(spec);
        TetherClient client = TetherClient.create(options.config(spec, target.url, clock, 1, ConnectionConfig.builder())
                .build());
        try {
            CallCommand.await(client.connect());
            CompletableFuture<Void> ended = new CompletableFuture<>();
            client.stream(request).subscribe(new Printer(spec.commandLine().getOut(), ended));
            CallCommand.await(ended);
            return 0;
        } catch (RpcCallException e) {
            return CallCommand.report(spec, e);
        } finally {
            client.close().toCompletableFuture().join();
        }
    }

    /** Prints one item at a time: it asks for the next only after printing the last. */
    private static final class Printer implements Flow.Subscriber<Object> {
        private final PrintWriter out;
        private final CompletableFuture<Void> ended;
        private Flow.@org.jspecify.annotations.Nullable Subscription subscription;

        Printer(PrintWriter out, CompletableFuture<Void> ended) {
            this.out = out;
            this.ended = ended;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(1);
        }

        @Override
        public void onNext(Object item) {
            out.println(Json.write(item));
            out.flush();
            Flow.Subscription s = subscription;
            if (s != null) {
                s.request(1);
            }
        }

        @Override
        public void onError(Throwable error) {
            ended.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            ended.complete(null);
        }
    }
}
