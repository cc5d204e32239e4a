package boundaryfixture.alpha;

import boundaryfixture.beta.internal.Secret;

/** Reaches into module beta's internal package: the planted violation. */
public class Consumer {
    public String use() {
        return new Secret().value();
    }
}
