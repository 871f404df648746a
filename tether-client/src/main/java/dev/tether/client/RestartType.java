package dev.tether.client;

/**
 * What a {@link Supervisor} does when a service ends, and when its restart budget runs out.
 *
 * <table>
 *   <caption>Restart types</caption>
 *   <tr><th>type</th><th>ends with a failure</th><th>ends normally</th><th>budget exhausted</th></tr>
 *   <tr><td>PERMANENT</td><td>restart</td><td>restart</td><td>give up for good (a crash:
 *       {@link SupervisorException})</td></tr>
 *   <tr><td>TRANSIENT</td><td>restart</td><td>stop</td><td>cool down, reset the budget, restart (up to the
 *       maximum number of cooldown cycles, then give up)</td></tr>
 *   <tr><td>TEMPORARY</td><td>restart</td><td>stop</td><td>stop with the last failure</td></tr>
 * </table>
 */
public enum RestartType {
    PERMANENT,
    TRANSIENT,
    TEMPORARY
}
