package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DispatchRpcOptionTest {

    static final class WithRpc implements TetherHandler {
        @Rpc
        public int add(int a, int b) {
            return a + b;
        }
    }

    static final class Plain implements TetherHandler {}

    @Test
    void rpcMethodsAreRefusedWhenTheApplicationAnswersRpcItself() {
        assertThatThrownBy(() -> TetherServer.builder()
                        .dispatchRpc(false)
                        .handler(new WithRpc())
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("WithRpc")
                .hasMessageContaining("dispatchRpc(false)");
    }

    @Test
    void aHandlerWithoutRpcMethodsMayAnswerRpcItself() {
        assertThatCode(() -> TetherServer.builder()
                        .dispatchRpc(false)
                        .handler(new Plain())
                        .build())
                .doesNotThrowAnyException();
    }

    @Test
    void builtInSubscribeCollidesWithAHandlersOwnSubscribeMethod() {
        final class OwnSubscribe implements TetherHandler {
            @Rpc
            public boolean subscribe(Session session, String name) {
                return session.subscribe(name);
            }
        }
        assertThatThrownBy(() -> TetherServer.builder()
                        .handler(new OwnSubscribe())
                        .clientSubscriptions((session, name) -> true)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("subscribe");
    }
}
