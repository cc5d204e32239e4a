package boundaryfixture.beta;

/** Module beta's public API. */
public class BetaApi {}
