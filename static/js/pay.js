// The card page (templates/bookings/pay.html): Stripe's Payment Element takes the card; Stripe
// confirms it (with 3-D Secure if the bank asks) and sends the customer to the return address,
// where the server asks Stripe what came of it.
(function () {
  "use strict";
  const form = document.getElementById("card-form");
  if (!form || typeof window.Stripe !== "function") {
    return;
  }
  const stripe = window.Stripe(form.dataset.key);
  const elements = stripe.elements({ clientSecret: form.dataset.secret });
  elements.create("payment").mount("#payment-element");
  const errors = document.getElementById("card-errors");
  const submit = document.getElementById("card-submit");
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    submit.disabled = true;
    errors.textContent = "";
    const options = { elements: elements, confirmParams: { return_url: form.dataset.return } };
    let result;
    try {
      result = form.dataset.kind === "setup"
        ? await stripe.confirmSetup(options)
        : await stripe.confirmPayment(options);
    } catch (failure) {
      // The network dropped, or a Stripe.js without the Payment Element (localstripe's).
      result = { error: { message: form.dataset.failed } };
    }
    // Only an error comes back here: on success Stripe has gone to the return address.
    if (result.error) {
      errors.textContent = result.error.message || form.dataset.failed;
      submit.disabled = false;
    }
  });
})();
