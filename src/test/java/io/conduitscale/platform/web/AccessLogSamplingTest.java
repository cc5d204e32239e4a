package io.conduitscale.platform.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * The deployed access log keeps every failure and a sample of the successes: with a success sample of 0, a
 * failed request still gets its line and a successful one does not; with 1, both do.
 */
@ExtendWith(OutputCaptureExtension.class)
class AccessLogSamplingTest {

    @Test
    void failuresAreAlwaysLoggedAndSuccessesOnlyAsSampled(CapturedOutput output) throws Exception {
        RequestIdFilter none = new RequestIdFilter(true, 0.0);
        serve(none, "/api/sampled-out", 200);
        serve(none, "/api/failed", 503);
        serve(none, "/api/rejected", 422);
        RequestIdFilter all = new RequestIdFilter(true, 1.0);
        serve(all, "/api/sampled-in", 200);
        RequestIdFilter off = new RequestIdFilter(false, 1.0);
        serve(off, "/api/log-off", 500);

        assertThat(output.getAll())
                .contains("GET /api/failed 503", "GET /api/rejected 422", "GET /api/sampled-in 200")
                .doesNotContain("/api/sampled-out", "/api/log-off");
    }

    @Test
    void aSampleOutsideZeroToOneIsRefused() {
        assertThatThrownBy(() -> new RequestIdFilter(true, 1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RequestIdFilter(true, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    private static void serve(RequestIdFilter filter, String path, int status) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, new MockFilterChain() {
            @Override
            public void doFilter(jakarta.servlet.ServletRequest req, jakarta.servlet.ServletResponse res) {
                ((HttpServletResponse) res).setStatus(status);
            }
        });
    }
}
