package dev.tether.client.internal;

import static dev.tether.client.ConnectionState.CLOSED;
import static dev.tether.client.ConnectionState.CONNECTED;
import static dev.tether.client.ConnectionState.CONNECTING;
import static dev.tether.client.ConnectionState.DISCONNECTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionStateMachineTest {
    private final List<String> seen = new ArrayList<>();

    private ConnectionStateMachine machine(boolean strict) {
        return new ConnectionStateMachine(strict, (from, to) -> seen.add(from + "->" + to));
    }

    @Test
    void validTransitionsAreAppliedAndObserved() {
        ConnectionStateMachine states = machine(true);

        states.moveTo(CONNECTING);
        states.moveTo(CONNECTED);
        states.moveTo(CONNECTING);
        states.moveTo(DISCONNECTED);
        states.moveTo(CONNECTING);
        states.moveTo(DISCONNECTED);
        states.moveTo(CLOSED);

        assertThat(seen)
                .containsExactly(
                        "DISCONNECTED->CONNECTING",
                        "CONNECTING->CONNECTED",
                        "CONNECTED->CONNECTING",
                        "CONNECTING->DISCONNECTED",
                        "DISCONNECTED->CONNECTING",
                        "CONNECTING->DISCONNECTED",
                        "DISCONNECTED->CLOSED");
    }

    @Test
    void theSameStateIsASilentNoOp() {
        ConnectionStateMachine states = machine(true);
        states.moveTo(CONNECTING);

        assertThat(states.moveTo(CONNECTING)).isFalse();
        assertThat(seen).containsExactly("DISCONNECTED->CONNECTING");
    }

    @Test
    void strictModeThrowsAndLeavesTheStateUnchanged() {
        ConnectionStateMachine states = machine(true);

        assertThatThrownBy(() -> states.moveTo(CONNECTED))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("invalid state transition: DISCONNECTED -> CONNECTED "
                        + "(expected: DISCONNECTED -> [CONNECTING, CLOSED])");
        assertThat(states.state()).isEqualTo(DISCONNECTED);
        assertThat(states.everConnected()).isFalse();
        assertThat(seen).isEmpty();
    }

    @Test
    void lenientModeAppliesAnInvalidTransition() {
        ConnectionStateMachine states = machine(false);

        assertThat(states.moveTo(CONNECTED)).isTrue();

        assertThat(states.state()).isEqualTo(CONNECTED);
        assertThat(seen).containsExactly("DISCONNECTED->CONNECTED");
    }

    @Test
    void closedIsTerminalInStrictMode() {
        ConnectionStateMachine states = machine(true);
        states.moveTo(CLOSED);

        assertThatThrownBy(() -> states.moveTo(CONNECTING))
                .hasMessage("invalid state transition: CLOSED -> CONNECTING (expected: CLOSED -> nothing)");
    }

    @Test
    void everConnectedLatchesAtTheFirstConnected() {
        ConnectionStateMachine states = machine(true);
        assertThat(states.everConnected()).isFalse();

        states.moveTo(CONNECTING);
        states.moveTo(CONNECTED);
        states.moveTo(DISCONNECTED);

        assertThat(states.everConnected()).isTrue();
    }
}
