package dev.tether.client;

import dev.tether.core.Backoff;
import dev.tether.core.Cancellable;
import dev.tether.core.Checks;
import dev.tether.core.Clock;
import dev.tether.core.Durations;
import dev.tether.core.TetherException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Layer 3: restarts a whole service (usually a {@link ClientConnection}, via {@link Supervised#of}) when it
 * fails, within a restart budget.
 *
 * <pre>{@code
 * Supervisor supervisor = Supervisor.builder()
 *         .restartType(RestartType.TRANSIENT)
 *         .listener(new SupervisorListener() {
 *             public void onStopped(Throwable failure) { log.error("giving up", failure); }
 *         })
 *         .build();
 * supervisor.start(Supervised.of(connection));
 * }</pre>
 *
 * <p>Defaults: backoff 2, 4, 8, 16, 32 s (max 60, {@link Backoff#supervisorDefault()}); a budget of 5 restarts
 * per sliding 300 s; TRANSIENT cooldown 300 s, unlimited cycles; startup timeout 60 s; fatal errors:
 * {@link AuthenticationException}. A life that becomes ready within the startup timeout refills the budget and
 * restarts the backoff; one that does not is stopped and counts as failed. A failure whose cause chain holds a
 * named fatal error stops supervision at once. What happens when a life ends is the {@link RestartType}'s.
 *
 * <p>Thread-safe; events are handled one at a time in arrival order, on the thread that delivers them (queue
 * bounded at 1024 events, far above what one service produces). One supervisor supervises one service once.
 */
public final class Supervisor {
    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);
    private static final int MAX_PENDING_EVENTS = 1024;

    private final RestartType restartType;
    private final Backoff backoff;
    private final int maxRestarts;
    private final Duration restartWindow;
    private final Duration cooldown;
    private final int maxCooldownCycles;
    private final Duration startupTimeout;
    private final Set<Class<? extends Throwable>> fatalErrors;
    private final Clock clock;
    private final RandomGenerator random;
    private final SupervisorListener listener;

    // Serial execution: events are queued and drained by whichever thread finds the queue idle.
    private final ArrayDeque<Runnable> events = new ArrayDeque<>();
    private boolean draining;

    // Confined to the drain (one thread at a time).
    private volatile @Nullable Supervised service;
    private final ArrayDeque<Long> restartTimes = new ArrayDeque<>();
    private int life;
    private int cooldownCycles;
    private boolean stopped;
    private @Nullable Cancellable timer;

    private Supervisor(Builder b) {
        this.restartType = b.restartType;
        this.backoff = b.backoff;
        this.maxRestarts = b.maxRestarts;
        this.restartWindow = b.restartWindow;
        this.cooldown = b.cooldown;
        this.maxCooldownCycles = b.maxCooldownCycles;
        this.startupTimeout = b.startupTimeout;
        this.fatalErrors = Set.copyOf(b.fatalErrors);
        this.clock = b.clock;
        this.random = b.random;
        this.listener = b.listener;
    }

    /** A builder with the defaults above. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this supervisor's policy (not its state). */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Starts supervising {@code service}: starts its first life now.
     *
     * @throws IllegalStateException if this supervisor already supervised a service
     */
    public void start(Supervised service) {
        Objects.requireNonNull(service, "service");
        synchronized (this) {
            if (this.service != null) {
                throw new IllegalStateException(
                        "service: already supervising " + this.service + " (expected: one service per supervisor)");
            }
            this.service = service;
        }
        submit(this::startLife);
    }

    /** Stops supervising: cancels a pending restart and stops the service's current life. */
    public void stop() {
        submit(() -> {
            if (stopped) {
                return;
            }
            Supervised current = service;
            finish(null);
            if (current != null) {
                current.stop();
            }
        });
    }

    /** The restart type. */
    public RestartType restartType() {
        return restartType;
    }

    /** The waits between restarts. */
    public Backoff backoff() {
        return backoff;
    }

    /** The most restarts within {@link #restartWindow()}. */
    public int maxRestarts() {
        return maxRestarts;
    }

    /** The sliding window of the restart budget. */
    public Duration restartWindow() {
        return restartWindow;
    }

    /** How long a TRANSIENT service rests when its budget runs out. */
    public Duration cooldown() {
        return cooldown;
    }

    /** How many cooldowns a TRANSIENT service gets; {@link Integer#MAX_VALUE} means no limit. */
    public int maxCooldownCycles() {
        return maxCooldownCycles;
    }

    /** How long a life may take to become ready. */
    public Duration startupTimeout() {
        return startupTimeout;
    }

    /** The errors that stop supervision at once. */
    public Set<Class<? extends Throwable>> fatalErrors() {
        return fatalErrors;
    }

    private void submit(Runnable event) {
        synchronized (events) {
            if (events.size() >= MAX_PENDING_EVENTS) {
                throw new IllegalStateException(
                        "supervisor events: " + events.size() + " pending (expected: < " + MAX_PENDING_EVENTS + ")");
            }
            events.add(event);
            if (draining) {
                return;
            }
            draining = true;
        }
        while (true) {
            Runnable next;
            synchronized (events) {
                next = events.poll();
                if (next == null) {
                    draining = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                log.warn("supervisor: an event handler threw; ignored", e);
            }
        }
    }

    private void startLife() {
        Supervised current = service;
        if (stopped || current == null) {
            return;
        }
        int number = ++life;
        listener.onStarting(number);
        timer = clock.schedule(startupTimeout, () -> submit(() -> startupTimedOut(number)));
        CompletionStage<Void> ended;
        try {
            ended = current.start(() -> submit(() -> ready(number)));
        } catch (RuntimeException e) {
            ended = java.util.concurrent.CompletableFuture.failedFuture(e);
        }
        ended.whenComplete((ignored, error) -> submit(() -> lifeEnded(number, error)));
    }

    private void ready(int number) {
        if (stopped || number != life) {
            return;
        }
        cancelTimer();
        restartTimes.clear();
        log.debug("supervisor: life {} ready; restart budget reset", number);
        listener.onReady(number);
    }

    private void startupTimedOut(int number) {
        if (stopped || number != life) {
            return;
        }
        Supervised current = service;
        life++; // this life's later end is no news
        TetherException failure =
                new TetherException("not ready within the startup timeout of " + Durations.format(startupTimeout));
        if (current != null) {
            current.stop();
        }
        failed(failure);
    }

    private void lifeEnded(int number, @Nullable Throwable error) {
        if (stopped || number != life) {
            return;
        }
        cancelTimer();
        if (error == null) {
            if (restartType == RestartType.PERMANENT) {
                failed(null);
            } else {
                log.info("supervisor: the service ended normally; not restarting a {} service", restartType);
                finish(null);
            }
            return;
        }
        Throwable cause = unwrap(error);
        Throwable fatal = fatalIn(cause);
        if (fatal != null) {
            log.warn("supervisor: fatal error, stopping: {}", cause.toString());
            finish(cause);
            return;
        }
        failed(cause);
    }

    /** A life failed (or a PERMANENT one ended): restart within the budget, else the restart type decides. */
    private void failed(@Nullable Throwable cause) {
        long now = clock.nanoTime();
        long windowNanos = Durations.saturatedNanos(restartWindow);
        while (!restartTimes.isEmpty() && now - restartTimes.peekFirst() > windowNanos) {
            restartTimes.pollFirst();
        }
        if (restartTimes.size() < maxRestarts) {
            restartTimes.addLast(now);
            int restart = restartTimes.size();
            Duration delay = backoff.delay(restart, random);
            log.info(
                    "supervisor: restart {} of {} in {}: {}",
                    restart,
                    maxRestarts,
                    Durations.format(delay),
                    cause == null ? "ended" : cause.toString());
            timer = clock.schedule(delay, () -> submit(this::startLife));
            listener.onRestartScheduled(restart, delay, cause);
            return;
        }
        String exhausted = "gave up: " + maxRestarts + " restarts within " + Durations.format(restartWindow)
                + "; last failure: " + (cause == null ? "ended" : describe(cause));
        switch (restartType) {
            case PERMANENT -> finish(new SupervisorException(exhausted, cause));
            case TEMPORARY -> finish(cause == null ? new SupervisorException(exhausted, null) : cause);
            case TRANSIENT -> {
                if (cooldownCycles >= maxCooldownCycles) {
                    finish(new SupervisorException(exhausted + " (after " + cooldownCycles + " cooldowns)", cause));
                    return;
                }
                int cycle = ++cooldownCycles;
                log.warn("supervisor: restart budget exhausted; cooling down for {}", Durations.format(cooldown));
                timer = clock.schedule(
                        cooldown,
                        () -> submit(() -> {
                            restartTimes.clear();
                            startLife();
                        }));
                listener.onCooldown(cycle, cooldown, cause);
            }
        }
    }

    private void finish(@Nullable Throwable failure) {
        if (stopped) {
            return;
        }
        stopped = true;
        cancelTimer();
        listener.onStopped(failure);
    }

    private void cancelTimer() {
        Cancellable pending = timer;
        timer = null;
        if (pending != null) {
            pending.cancel();
        }
    }

    private @Nullable Throwable fatalIn(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            for (Class<? extends Throwable> type : fatalErrors) {
                if (type.isInstance(t)) {
                    return t;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
    }

    /** Builds a {@link Supervisor}; every value is checked when it is set. */
    public static final class Builder {
        private RestartType restartType = RestartType.TRANSIENT;
        private Backoff backoff = Backoff.supervisorDefault();
        private int maxRestarts = 5;
        private Duration restartWindow = Duration.ofMinutes(5);
        private Duration cooldown = Duration.ofMinutes(5);
        private int maxCooldownCycles = Integer.MAX_VALUE;
        private Duration startupTimeout = Duration.ofMinutes(1);
        private final Set<Class<? extends Throwable>> fatalErrors =
                new LinkedHashSet<>(List.of(AuthenticationException.class, CancellationException.class));
        private Clock clock = Clock.system();
        private RandomGenerator random = new Random();
        private SupervisorListener listener = new SupervisorListener() {};

        private Builder() {}

        private Builder(Supervisor s) {
            restartType = s.restartType;
            backoff = s.backoff;
            maxRestarts = s.maxRestarts;
            restartWindow = s.restartWindow;
            cooldown = s.cooldown;
            maxCooldownCycles = s.maxCooldownCycles;
            startupTimeout = s.startupTimeout;
            fatalErrors.clear();
            fatalErrors.addAll(s.fatalErrors);
            clock = s.clock;
            random = s.random;
            listener = s.listener;
        }

        /** What happens when the service ends and when the budget runs out; default TRANSIENT. */
        public Builder restartType(RestartType restartType) {
            this.restartType = Objects.requireNonNull(restartType, "restartType");
            return this;
        }

        /** The waits between restarts: the n-th restart within the budget waits {@code delay(n)}. */
        public Builder backoff(Backoff backoff) {
            this.backoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        /** The most restarts within {@code window}. */
        public Builder restartBudget(int maxRestarts, Duration window) {
            if (maxRestarts < 1) {
                throw new IllegalArgumentException("maxRestarts: " + maxRestarts + " (expected: >= 1)");
            }
            this.maxRestarts = maxRestarts;
            this.restartWindow = Checks.positive(window, "window");
            return this;
        }

        /** How long a TRANSIENT service rests when its budget runs out. */
        public Builder cooldown(Duration cooldown) {
            this.cooldown = Checks.positive(cooldown, "cooldown");
            return this;
        }

        /** How many cooldowns a TRANSIENT service gets before the supervisor gives up; default unlimited. */
        public Builder maxCooldownCycles(int cycles) {
            if (cycles < 0) {
                throw new IllegalArgumentException("maxCooldownCycles: " + cycles + " (expected: >= 0)");
            }
            this.maxCooldownCycles = cycles;
            return this;
        }

        /** How long a life may take to become ready. */
        public Builder startupTimeout(Duration startupTimeout) {
            this.startupTimeout = Checks.positive(startupTimeout, "startupTimeout");
            return this;
        }

        /**
         * The errors that stop supervision at once (replacing the defaults, {@link AuthenticationException} and
         * {@link CancellationException}); matched anywhere in the cause chain.
         */
        @SafeVarargs
        public final Builder fatalErrors(Class<? extends Throwable>... types) {
            fatalErrors.clear();
            for (Class<? extends Throwable> type : types) {
                fatalErrors.add(Objects.requireNonNull(type, "type"));
            }
            return this;
        }

        /** The source of time for backoff, cooldown, window and startup timeout. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The source of backoff jitter. */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** Hears restarts, cooldowns and the end. */
        public Builder listener(SupervisorListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Returns the supervisor, not yet supervising anything. */
        public Supervisor build() {
            return new Supervisor(this);
        }
    }
}
