using Microsoft.Extensions.Options;

namespace Herald.Delivery;

/// <summary>
/// Validates <see cref="DeliveryOptions"/> (and its <see cref="BreakerOptions"/>) without reflection: the data
/// annotations and <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/> checks, generated at build time.
/// </summary>
[OptionsValidator]
public sealed partial class DeliveryOptionsValidator : IValidateOptions<DeliveryOptions>;
