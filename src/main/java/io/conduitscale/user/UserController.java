package io.conduitscale.user;

import io.conduitscale.platform.ratelimit.ClientAddress;
import io.conduitscale.platform.security.CurrentUser;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

@RestController
class UserController {

    private final UserService users;
    private final ClientAddress clients;

    UserController(UserService users, ClientAddress clients) {
        this.users = users;
        this.clients = clients;
    }

    @PostMapping("/api/users")
    @ResponseStatus(HttpStatus.CREATED)
    UserView.Envelope register(@RequestBody JsonNode body) {
        return new UserView.Envelope(users.register(body));
    }

    @PostMapping("/api/users/login")
    UserView.Envelope login(@RequestBody JsonNode body, HttpServletRequest request) {
        return new UserView.Envelope(users.login(body, clients.of(request)));
    }

    @GetMapping("/api/user")
    UserView.Envelope current() {
        return new UserView.Envelope(users.current(CurrentUser.requireId(), CurrentUser.requireToken()));
    }

    /**
     * Extension to the RealWorld API: revokes every token issued for the caller so far (the one used
     * here too). Built-in tokens only: tokens of an external identity provider are revoked there.
     */
    @PostMapping("/api/user/logout-all")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void logoutEverywhere() {
        users.revokeAllTokens(CurrentUser.requireId());
    }

    @PutMapping("/api/user")
    UserView.Envelope update(@RequestBody JsonNode body) {
        return new UserView.Envelope(users.update(CurrentUser.requireId(), CurrentUser.requireToken(), CurrentUser.tokenId().orElse(null), body));
    }
}
