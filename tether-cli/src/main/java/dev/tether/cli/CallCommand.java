package dev.tether.cli;

import dev.tether.client.Call;
import dev.tether.client.ConnectionConfig;
import dev.tether.client.RpcCallException;
import dev.tether.client.RpcErrorException;
import dev.tether.client.TetherClient;
import dev.tether.core.Clock;
import dev.tether.core.RpcErrorCode;
import dev.tether.core.TetherException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code tether call URL METHOD [ARG ...]}: connects as a webshocket.v1 client, makes one call, prints the result as
 * JSON and exits 0. An error reply prints its code and message on standard error and exits 3.
 */
@Command(
        name = "call",
        mixinStandardHelpOptions = true,
        description = {
            "Calls an RPC method and prints the result as JSON.",
            "",
            "Arguments are JSON literals (10, '\"x\"', '{\"a\":1}', true, null); a plain word is a string.",
            "Exit codes: 0 the result was printed, 1 no answer (could not connect, timed out, connection lost),"
                    + " 2 bad arguments, 3 the server answered with an RPC error.",
            ""
        })
final class CallCommand implements Callable<Integer> {
    /** The exit code for an error reply from the server. */
    static final int RPC_ERROR = 3;

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
            await(client.connect());
            Object result = await(client.call(request));
            spec.commandLine().getOut().println(Json.write(result));
            return 0;
        } catch (RpcCallException e) {
            return report(spec, e);
        } finally {
            client.close().toCompletableFuture().join();
        }
    }

    /** Prints a failed call on standard error: the code and message of an error reply, or why there was none. */
    static int report(CommandSpec spec, RpcCallException e) {
        String command = spec.qualifiedName();
        if (e instanceof RpcErrorException error) {
            RpcErrorCode named = error.errorCode();
            spec.commandLine()
                    .getErr()
                    .println(command + ": error " + error.code() + (named == null ? "" : " " + named) + ": "
                            + error.getMessage());
            return RPC_ERROR;
        }
        spec.commandLine().getErr().println(command + ": " + e.getMessage());
        return 1;
    }

    /** Waits for {@code stage}; its failure is thrown as it is (a TetherException), never wrapped. */
    static <T> T await(CompletionStage<T> stage) throws InterruptedException {
        try {
            return stage.toCompletableFuture().get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TetherException t) {
                throw t;
            }
            throw new TetherException(String.valueOf(cause == null ? e : cause.getMessage()), cause);
        }
    }
}
