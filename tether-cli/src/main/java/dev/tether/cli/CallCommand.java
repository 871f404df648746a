package dev.tether.cli;

import dev.tether.client.Call;
import dev.tether.client.ConnectionConfig;
import dev.tether.client.RpcCallException;
import dev.tether.client.RpcErrorException;
import dev.tether.client.TetherClient;
import dev.tether.core.Clock;
import dev.tether.core.RpcErrorCode;
import dev.tether.core.TetherException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
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

    @Parameters(index = "0", paramLabel = "URL", description = "The server, e.g. ws://127.0.0.1:8765/")
    @SuppressWarnings("NullAway.Init")
    String url;

    @Parameters(index = "1", paramLabel = "METHOD", description = "The RPC method to call.")
    @SuppressWarnings("NullAway.Init")
    String method;

    @Parameters(index = "2..*", paramLabel = "ARG", description = "Positional arguments, as JSON literals.")
    List<String> args = new ArrayList<>();

    @Option(
            names = "--kw",
            paramLabel = "NAME=VALUE",
            description = "A keyword argument; the value is a JSON literal. Repeat for more.")
    List<String> kwargs = new ArrayList<>();

    @Mixin
    ClientOptions options = new ClientOptions();

    /** The clock of the client; tests replace it. */
    Clock clock = Clock.system();

    @Override
    public Integer call() throws InterruptedException {
        Call call = Call.of(method, arguments(args).toArray()).withKwargs(keywordArguments(spec, kwargs));
        TetherClient client = TetherClient.create(
                options.config(spec, url, clock, 1, ConnectionConfig.builder()).build());
        try {
            await(client.connect());
            Object result = await(client.call(call));
            spec.commandLine().getOut().println(Json.write(result));
            return 0;
        } catch (RpcCallException e) {
            return report(spec, e);
        } finally {
            client.close().toCompletableFuture().join();
        }
    }

    static List<@Nullable Object> arguments(List<String> texts) {
        List<@Nullable Object> values = new ArrayList<>(texts.size());
        for (String text : texts) {
            values.add(Json.parseArgument(text));
        }
        return values;
    }

    static Map<String, @Nullable Object> keywordArguments(CommandSpec spec, List<String> pairs) {
        Map<String, @Nullable Object> kwargs = new LinkedHashMap<>();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new ParameterException(
                        spec.commandLine(), "--kw: '" + pair + "' (expected: NAME=VALUE, e.g. --kw loud=true)");
            }
            kwargs.put(pair.substring(0, eq), Json.parseArgument(pair.substring(eq + 1)));
        }
        return kwargs;
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
