package dev.tether.client.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/** The session protocol's steps as stages, and the failures they carry, for messages. */
final class Stages {
    private Stages() {}

    /** A step of the session protocol that returns a stage. */
    @FunctionalInterface
    interface Step {
        @Nullable
        CompletionStage<Void> run();
    }

    /** Runs {@code step}: a throw or a null stage becomes a failed stage, so there is one road to failure. */
    static CompletionStage<Void> invoke(Step step, String name) {
        try {
            CompletionStage<Void> stage = step.run();
            if (stage == null) {
                return CompletableFuture.failedFuture(
                        new IllegalStateException("session protocol returned null from " + name));
            }
            return stage;
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The failure inside the wrappers a stage puts around it. */
    static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** The failure's message, or its type when it has none. */
    static String describe(@Nullable Throwable error) {
        if (error == null) {
            return "unknown cause";
        }
        String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
    }
}
