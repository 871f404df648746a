package dev.tether.client;

/**
 * What a subscription of {@link TetherClient#subscribe} asks for besides its publications. Immutable; make one with
 * {@link #builder()}, copy one with {@link #toBuilder()}.
 *
 * <table>
 *   <caption>Defaults</caption>
 *   <tr><th>setting</th><th>default</th></tr>
 *   <tr><td>{@link #recover()}</td><td>true</td></tr>
 *   <tr><td>{@link #joinLeave()}</td><td>false</td></tr>
 * </table>
 */
public final class SubscribeOptions {
    private static final SubscribeOptions DEFAULTS = builder().build();

    private final boolean recover;
    private final boolean joinLeave;

    private SubscribeOptions(Builder b) {
        this.recover = b.recover;
        this.joinLeave = b.joinLeave;
    }

    /** The defaults above. */
    public static SubscribeOptions defaults() {
        return DEFAULTS;
    }

    /** A builder with the defaults above. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Whether the client recovers what it missed where the server keeps the channel's history: after a reconnect it
     * subscribes again from the last position it delivered, and after a gap while connected it fetches the skipped
     * publications. Without it, a restore reports {@code recovered: false} and a gap is reported only.
     */
    public boolean recover() {
        return recover;
    }

    /** Whether the listener hears join and leave events of the channel (when the server tracks its presence). */
    public boolean joinLeave() {
        return joinLeave;
    }

    @Override
    public String toString() {
        return "SubscribeOptions(recover " + recover + ", joinLeave " + joinLeave + ")";
    }

    /** Builds {@link SubscribeOptions}. */
    public static final class Builder {
        private boolean recover = true;
        private boolean joinLeave;

        private Builder() {}

        private Builder(SubscribeOptions o) {
            recover = o.recover;
            joinLeave = o.joinLeave;
        }

        /** See {@link SubscribeOptions#recover()}. */
        public Builder recover(boolean recover) {
            this.recover = recover;
            return this;
        }

        /** See {@link SubscribeOptions#joinLeave()}. */
        public Builder joinLeave(boolean joinLeave) {
            this.joinLeave = joinLeave;
            return this;
        }

        public SubscribeOptions build() {
            return new SubscribeOptions(this);
        }
    }
}
