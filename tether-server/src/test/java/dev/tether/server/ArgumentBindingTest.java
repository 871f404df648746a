package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.Clock;
import dev.tether.core.RpcErrorCode;
import dev.tether.core.RpcRequest;
import dev.tether.core.RpcResponse;
import dev.tether.server.internal.RpcDispatcher;
import dev.tether.server.internal.WorkerTasks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Binding of args and kwargs to Java parameters, and the checks made when a method is registered. */
class ArgumentBindingTest {
    record Point(int x, int y) {}

    public static final class Service {
        @Rpc
        public int add(int a, int b) {
            return a + b;
        }

        @Rpc
        public String whoami(Session session, String greeting) {
            return greeting + " " + session.attributes().get("name");
        }

        @Rpc
        public int manhattan(Point p) {
            return Math.abs(p.x()) + Math.abs(p.y());
        }

        @Rpc
        public int sumX(List<Point> points) {
            return points.stream().mapToInt(Point::x).sum();
        }

        @Rpc
        public double half(double value) {
            return value / 2;
        }

        @Rpc
        public long big(long value) {
            return value;
        }

        @Rpc
        public String echo(Object anything) {
            return String.valueOf(anything);
        }

        @Rpc
        public String shout(String text) {
            return text.toUpperCase(java.util.Locale.ROOT);
        }

        @Rpc
        public String orDefault(@org.jspecify.annotations.Nullable String text) {
            return text == null ? "default" : text;
        }

        public int notExposed() {
            return 1;
        }
    }

    private final WorkerTasks direct = new WorkerTasks(Runnable::run, 16, Clock.system());
    private final RpcDispatcher dispatcher = new RpcDispatcher(Map.of(), Clock.system(), 16, () -> direct);
    private final FakeSession session = new FakeSession().with("name", "ada");

    {
        dispatcher.registry().register(new Service());
    }

    private final Consumer<RpcRequest> calls = dispatcher.calls(session);

    /** A call on the connection's road; the direct worker executor runs it before {@code accept} returns. */
    private RpcResponse call(String method, List<Object> args, Map<String, Object> kwargs) {
        calls.accept(new RpcRequest(method, new ArrayList<>(args), kwargs, "1"));
        return session.takeReply();
    }

    private RpcResponse call(String method, Object... args) {
        return call(method, List.of(args), Map.of());
    }

    private static void assertInvalid(RpcResponse r, String message) {
        assertThat(r.errorCode()).isEqualTo(RpcErrorCode.INVALID_PARAMS);
        assertThat(r.response()).isEqualTo(message);
    }

    @Test
    void bindsByPosition() {
        assertThat(call("add", 2, 40).response()).isEqualTo(42);
    }

    @Test
    void bindsByName() {
        assertThat(call("add", List.of(), Map.of("b", 40, "a", 2)).response()).isEqualTo(42);
    }

    @Test
    void bindsPositionThenName() {
        assertThat(call("add", List.of(2), Map.of("b", 40)).response()).isEqualTo(42);
    }

    @Test
    void passesTheSessionFirst() {
        assertThat(call("whoami", "hello").response()).isEqualTo("hello ada");
    }

    @Test
    void convertsMapsToRecords() {
        assertThat(call("manhattan", Map.of("x", 3, "y", -4)).response()).isEqualTo(7);
        assertThat(call("sumX", List.of(Map.of("x", 1, "y", 0), Map.of("x", 2, "y", 0)))
                        .response())
                .isEqualTo(3);
    }

    @Test
    void widensWholeNumbers() {
        assertThat(call("half", 3).response()).isEqualTo(1.5);
        assertThat(call("big", 5).response()).isEqualTo(5L);
        assertThat(call("big", 1L << 40).response()).isEqualTo(1L << 40);
        assertThat(call("echo", List.of(1, "x")).response()).isEqualTo("[1, x]");
    }

    @Test
    void refusesTooManyArguments() {
        assertInvalid(call("add", 1, 2, 3), "add(a, b) takes 2 arguments (got 3 positional)");
    }

    @Test
    void refusesAnUnknownKeyword() {
        assertInvalid(call("add", List.of(1), Map.of("c", 2)), "add(a, b) has no argument named 'c'");
    }

    @Test
    void refusesAnArgumentGivenTwice() {
        assertInvalid(
                call("add", List.of(1, 2), Map.of("a", 1)),
                "add(a, b) got argument 'a' twice (positional and by name)");
    }

    @Test
    void refusesAMissingArgument() {
        assertInvalid(call("add", 1), "add(a, b) is missing argument 'b' (expected: int)");
    }

    @Test
    void nullReachesOnlyObjectAndNullableParameters() {
        List<Object> nullArg = new ArrayList<>();
        nullArg.add(null);

        assertInvalid(
                call("shout", nullArg, Map.of()),
                "shout(text) argument 'text': null (expected: String; a parameter marked @Nullable accepts null)");
        assertThat(call("orDefault", nullArg, Map.of()).response()).isEqualTo("default");
        assertThat(call("echo", nullArg, Map.of()).response()).isEqualTo("null");
    }

    @Test
    void refusesValuesOfTheWrongType() {
        assertInvalid(call("add", 1, "2"), "add(a, b) argument 'b': \"2\" (expected: int)");
        assertInvalid(call("add", 1, 2.5), "add(a, b) argument 'b': 2.5 (expected: int)");
        List<Object> nullArg = new ArrayList<>();
        nullArg.add(null);
        nullArg.add(1);
        assertInvalid(call("add", nullArg, Map.of()), "add(a, b) argument 'a': null (expected: int)");
    }

    @Test
    void refusesARecordThatDoesNotFit() {
        RpcResponse r = call("manhattan", Map.of("x", "three", "y", 4));
        assertThat(r.errorCode()).isEqualTo(RpcErrorCode.INVALID_PARAMS);
        assertThat((String) r.response())
                .startsWith("manhattan(p) argument 'p': {")
                .contains("(expected: ArgumentBindingTest.Point: ");
    }

    @Test
    void unknownMethodIsNotFound() {
        assertThat(call("notExposed").errorCode()).isEqualTo(RpcErrorCode.METHOD_NOT_FOUND);
    }

    // ---- registration checks --------------------------------------------------------------------------------

    public static final class SessionSecond {
        @Rpc
        public void bad(int a, Session session) {}
    }

    public static final class InterfaceParam {
        @Rpc
        public void bad(Runnable task) {}
    }

    public static final class Generic {
        @Rpc
        public <T> void bad(T value) {}
    }

    public static final class UnknownPredicate {
        @Rpc(requires = "admin")
        public void bad() {}
    }

    public static final class BadPeriod {
        @Rpc
        @RateLimit(limit = 1, period = "5x")
        public void bad() {}
    }

    public static final class EmptyPeriod {
        @Rpc
        @RateLimit(limit = 1, period = "")
        public void bad() {}
    }

    public static final class SameName {
        @Rpc("dup")
        public void one() {}

        @Rpc("dup")
        public void two() {}
    }

    @Test
    void sessionMustComeFirst() {
        assertThatThrownBy(() -> dispatcher.registry().register(new SessionSecond()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("SessionSecond.bad parameter 'session': Session (expected: the calling Session as the"
                        + " first parameter only)");
    }

    @Test
    void interfaceParametersCannotBeBound() {
        assertThatThrownBy(() -> dispatcher.registry().register(new InterfaceParam()))
                .hasMessageStartingWith(
                        "InterfaceParam.bad parameter 'task': java.lang.Runnable (expected: a value type");
    }

    @Test
    void typeVariablesCannotBeBound() {
        assertThatThrownBy(() -> dispatcher.registry().register(new Generic()))
                .hasMessageStartingWith("Generic.bad parameter 'value': T (expected: a concrete type");
    }

    @Test
    void unknownPredicateNameIsRefused() {
        assertThatThrownBy(() -> dispatcher.registry().register(new UnknownPredicate()))
                .hasMessageStartingWith(
                        "UnknownPredicate.bad: @Rpc(requires): 'admin' (expected: one of the predicates registered");
    }

    @Test
    void badPeriodsAreRefusedWithWebshocketsMessages() {
        assertThatThrownBy(() -> dispatcher.registry().register(new BadPeriod()))
                .hasMessage(
                        "BadPeriod.bad: @RateLimit(period = \"5x\"): Invalid duration unit. Expected one of s, h, m,"
                                + " d (e.g '10s', '5m', '1h', '2d')");
        assertThatThrownBy(() -> dispatcher.registry().register(new EmptyPeriod()))
                .hasMessage("EmptyPeriod.bad: @RateLimit(period = \"\"): Duration cannot be empty.");
    }

    @Test
    void duplicateNamesAreRefusedAndNothingIsRegistered() {
        assertThatThrownBy(() -> dispatcher.registry().register(new SameName()))
                .hasMessageStartingWith("RPC method 'dup' of SameName.")
                .hasMessageContaining("is already registered by SameName.");
        assertThat(dispatcher.registry().names()).doesNotContain("dup");
        assertThatThrownBy(() -> dispatcher.registry().register(new Service()))
                .hasMessageContaining("is already registered by Service.");
    }

    @Test
    void methodsWithoutRpcAreRefused() {
        assertThatThrownBy(() -> dispatcher.registry().register(new Service(), "notExposed"))
                .hasMessageStartingWith("Service.notExposed is not annotated @Rpc");
        assertThatThrownBy(() -> dispatcher.registry().register(new Object()))
                .hasMessage("java.lang.Object has no @Rpc methods (expected: at least one)");
    }

    @Test
    void aHandlerThatCannotBeBoundFailsBuild() {
        class Handler implements TetherHandler {
            @Rpc
            public void bad(Runnable task) {}
        }
        assertThatThrownBy(() ->
                        TetherServer.builder().port(0).handler(new Handler()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parameter 'task'");
    }

    @Test
    void predicatesResolveByName() {
        Predicate<Session> admin = s -> "admin".equals(s.attributes().get("role"));
        RpcDispatcher withPredicates = new RpcDispatcher(Map.of("admin", admin), Clock.system(), 16, () -> direct);
        withPredicates.registry().register(new UnknownPredicate());
        RpcRequest request = RpcRequest.of("bad", "1");
        FakeSession guest = new FakeSession();
        withPredicates.calls(guest).accept(request);
        assertThat(guest.takeReply().errorCode()).isEqualTo(RpcErrorCode.ACCESS_DENIED);
        FakeSession administrator = new FakeSession().with("role", "admin");
        withPredicates.calls(administrator).accept(request);
        assertThat(administrator.takeReply().error()).isNull();
    }

    @Test
    void functionsReadArgumentsThroughTheCall() {
        dispatcher
                .registry()
                .register(RpcOptions.named("mul"), c -> c.arg(0, "a", int.class) * c.arg(1, "b", int.class));
        dispatcher.registry().register(RpcOptions.named("later"), c -> CompletableFuture.completedFuture(1));
        assertThat(call("mul", 6, 7).response()).isEqualTo(42);
        assertThat(call("mul", List.of(6), Map.of("b", 7)).response()).isEqualTo(42);
        assertInvalid(call("mul", 6), "mul argument 1 ('b') is missing (expected: int)");
        assertInvalid(call("mul", 6, "x"), "mul argument 1 ('b'): \"x\" (expected: int)");
    }
}
