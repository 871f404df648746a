package dev.tether.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** A session protocol step has one road to failure, whatever it does wrong. */
class StagesTest {

    private static Throwable failureOf(CompletionStage<Void> stage) {
        CompletableFuture<Void> future = stage.toCompletableFuture();
        assertThat(future).isCompletedExceptionally();
        return Stages.unwrap(future.handle((ignored, error) -> error).join());
    }

    @Test
    void aStepThatThrowsFailsItsStage() {
        CompletionStage<Void> stage = Stages.invoke(
                () -> {
                    throw new IllegalArgumentException("bad token");
                },
                "handshake");

        assertThat(failureOf(stage))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bad token");
    }

    @Test
    void aStepThatReturnsNullFailsItsStage() {
        CompletionStage<Void> stage = Stages.invoke(() -> null, "resubscribe");

        assertThat(failureOf(stage))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("session protocol returned null from resubscribe");
    }

    @Test
    void aStepsOwnStageIsReturnedAsItIs() {
        CompletableFuture<Void> own = new CompletableFuture<>();

        assertThat(Stages.invoke(() -> own, "handshake")).isSameAs(own);
    }

    @Test
    void unwrapFindsTheCauseInsideTheWrappers() {
        IllegalStateException cause = new IllegalStateException("x");

        assertThat(Stages.unwrap(new CompletionException(new ExecutionException(cause))))
                .isSameAs(cause);
    }

    @Test
    void describeFallsBackToTheTypeForAnErrorWithoutAMessage() {
        assertThat(Stages.describe(new IllegalStateException("lost"))).isEqualTo("lost");
        assertThat(Stages.describe(new IllegalStateException(" "))).isEqualTo("IllegalStateException");
        assertThat(Stages.describe(null)).isEqualTo("unknown cause");
    }
}
