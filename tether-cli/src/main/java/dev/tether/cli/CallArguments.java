package dev.tether.cli;

import dev.tether.client.Call;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** The server, method and arguments of {@code call} and {@code stream}: a picocli mixin. */
final class CallArguments {
    @Parameters(index = "0", paramLabel = "URL", description = "The server, e.g. ws://127.0.0.1:8765/")
    @SuppressWarnings("NullAway.Init") // injected by picocli before the command runs
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

    /** The call these arguments describe; a malformed {@code --kw} is a usage error. */
    Call toCall(CommandSpec spec) {
        return Call.of(method, arguments(args).toArray()).withKwargs(keywordArguments(spec, kwargs));
    }

    private static List<@Nullable Object> arguments(List<String> texts) {
        List<@Nullable Object> values = new ArrayList<>(texts.size());
        for (String text : texts) {
            values.add(Json.parseArgument(text));
        }
        return values;
    }

    private static Map<String, @Nullable Object> keywordArguments(CommandSpec spec, List<String> pairs) {
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
}
