package dev.tether.cli;

import dev.tether.core.TetherException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code tether} command. It only groups the subcommands; each lives in its own class and is listed in
 * {@code subcommands} below.
 *
 * <p>Exit codes: 0 on success, 1 when a command fails (for example a port that cannot be bound, or a server that
 * cannot be reached), 2 for bad command-line arguments, 3 when the server answered a call with an RPC error.
 */
@Command(
        name = "tether",
        mixinStandardHelpOptions = true,
        versionProvider = TetherCli.Version.class,
        description = "Real-time WebSocket RPC, pub/sub and media services for the JVM (webshocket.v1).",
        subcommands = {
            ServeCommand.class,
            CallCommand.class,
            StreamCommand.class,
            ListenCommand.class,
            BenchCommand.class,
            SoakCommand.class,
            CommandLine.HelpCommand.class
        })
public final class TetherCli implements Runnable {

    /** Runs {@code tether} with {@code args} and exits with its exit code. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The {@code tether} command line, ready to {@link CommandLine#execute execute}: a {@link TetherException} or an
     * I/O error (such as a port in use) from a command is reported as one line on standard error (exit code 1)
     * instead of a stack trace.
     */
    public static CommandLine commandLine() {
        return new CommandLine(new TetherCli()).setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (!(e instanceof TetherException || e instanceof IOException)) {
                throw e;
            }
            commandLine.getErr().println(commandLine.getCommandSpec().qualifiedName() + ": " + e.getMessage());
            return 1;
        });
    }

    @Spec
    @SuppressWarnings("NullAway.Init") // injected by picocli before run()
    private CommandSpec spec;

    /** Without a subcommand, {@code tether} is a usage error: it prints what it expected and its usage. */
    @Override
    public void run() {
        throw new ParameterException(
                spec.commandLine(),
                "Missing a command (expected: one of serve, call, stream, listen, bench, soak, help)");
    }

    /** The version of this build, read from a resource that Maven fills in. */
    static String version() {
        try (InputStream in = TetherCli.class.getResourceAsStream("version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Prints the Tether version and the Java runtime it runs on. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "tether " + version(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ", "
                        + System.getProperty("java.vendor") + ")",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch")
            };
        }
    }
}
