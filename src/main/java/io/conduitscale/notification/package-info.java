/**
 * Notifications for authors (new follower, new comment, new favorite), made by a worker from domain
 * events, served at {@code GET /api/notifications} and pushed to a webhook a user may register
 * ({@code PUT /api/user/webhook}). Owns {@code notifications}, {@code webhooks} and
 * {@code webhook_deliveries}; reads {@code articles} for slugs. Depends on {@code profile}.
 */
package io.conduitscale.notification;
