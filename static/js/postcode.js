/* The join form (supporters): "fill in the address from the postcode" asks the server's offline postcode
   table and fills the address and the municipality. Without JavaScript the button stays hidden and the
   server looks the address up when the form is sent with an empty address. */
(function () {
  var form = document.querySelector("form[data-postcode-url]");
  var button = document.getElementById("postcode-lookup");
  if (!form || !button || !window.fetch) return;
  var postcode = document.getElementById("id_postcode");
  var address = document.getElementById("id_address");
  var municipality = document.getElementById("id_municipality");
  var status = document.getElementById("postcode-status");
  button.hidden = false;

  function lookup() {
    var value = postcode.value.trim();
    if (!value) { postcode.focus(); return; }
    status.textContent = "";
    var url = form.getAttribute("data-postcode-url") + "?postcode=" + encodeURIComponent(value);
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.error) { status.textContent = data.error; postcode.focus(); return; }
        postcode.value = data.postcode;
        address.value = data.address;
        if (data.municipality) municipality.value = data.municipality;
        status.textContent = data.address;
        address.focus();
        var end = address.value.length;
        address.setSelectionRange(end, end);
      })
      .catch(function () { status.textContent = ""; });
  }
  button.addEventListener("click", lookup);
})();
