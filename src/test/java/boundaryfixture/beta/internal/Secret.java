package boundaryfixture.beta.internal;

/** Internal to module beta: only beta may use it. */
public class Secret {
    public String value() {
        return "secret";
    }
}
