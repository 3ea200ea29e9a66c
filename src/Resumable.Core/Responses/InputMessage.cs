namespace Resumable.Core.Responses;

/// <summary>One normalised input item: a message with its text parts (<c>input_text</c> or <c>output_text</c>).</summary>
/// <param name="Id">The item id reported by <c>input_items</c>, e.g. <c>msg_…</c>.</param>
/// <param name="Role">user, assistant, system or developer.</param>
/// <param name="Parts">The text parts in order.</param>
public sealed record InputMessage(string Id, string Role, IReadOnlyList<InputTextPart> Parts);

/// <summary>A text part of an input message.</summary>
/// <param name="Type"><c>input_text</c> or <c>output_text</c>.</param>
/// <param name="Text">The text.</param>
public sealed record InputTextPart(string Type, string Text);
