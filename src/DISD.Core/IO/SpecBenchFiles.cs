using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace DISD.IO;

/// <summary>A Spec-Bench (MT-Bench style) question: its id as written (number or string), category and user turns.</summary>
public sealed record SpecBenchQuestion(JsonElement QuestionId, string Category, IReadOnlyList<string> Turns)
{
    /// <summary>The id as text (a number's digits, or the string).</summary>
    public string IdText => QuestionId.ValueKind == JsonValueKind.String ? QuestionId.GetString()! : QuestionId.GetRawText();
}

/// <summary>One generation of every turn of a question, in Spec-Bench's answer fields.</summary>
/// <param name="AcceptLengths">Tokens added per verification round, every turn's rounds in order (Spec-Bench's accept_lengths).</param>
public sealed record SpecBenchChoice(
    IReadOnlyList<string> Turns,
    IReadOnlyList<int> DecodingSteps,
    IReadOnlyList<int> NewTokens,
    IReadOnlyList<double> WallTime,
    IReadOnlyList<int> AcceptLengths);

public sealed record SpecBenchAnswer(SpecBenchQuestion Question, string ModelId, SpecBenchChoice Choice);

/// <summary>
/// Spec-Bench's files: question.jsonl (<c>question_id</c>, <c>category</c>, <c>turns</c>) and the answer JSONL that its
/// evaluation/speed.py reads (<c>choices[0]</c>: <c>turns</c>, <c>new_tokens</c>, <c>wall_time</c>,
/// <c>accept_lengths</c>; plus <c>decoding_steps</c>, <c>answer_id</c>, <c>model_id</c>, <c>tstamp</c> as its
/// evaluation/eval.py writes them).
/// </summary>
public static class SpecBenchFiles
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <param name="option">The option that named the file, for messages ("--questions").</param>
    public static IReadOnlyList<SpecBenchQuestion> ReadQuestions(string path, string option)
    {
        if (!File.Exists(path))
            throw new DisdException(Directory.Exists(path)
                ? $"{option} {path}: is a folder; expected a Spec-Bench question.jsonl file"
                : $"{option} {path}: no such file");
        var questions = new List<SpecBenchQuestion>();
        var lines = File.ReadAllLines(path);
        for (var i = 0; i < lines.Length; i++)
        {
            if (!string.IsNullOrWhiteSpace(lines[i]))
                questions.Add(ParseQuestion(lines[i], $"{option} {path} line {i + 1}"));
        }
        return questions.Count > 0 ? questions : throw new DisdException($"{option} {path}: no questions (every line is blank)");
    }

    public static void WriteAnswers(string path, IEnumerable<SpecBenchAnswer> answers)
    {
        var text = new StringBuilder();
        foreach (var answer in answers)
            text.Append(AnswerLine(answer)).Append('\n');
        AtomicFile.WriteAllText(path, text.ToString());
    }

    private static SpecBenchQuestion ParseQuestion(string line, string where)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new DisdException($"{where}: not JSON ({e.Message.Split('\n')[0].TrimEnd('.')}); expected an object with question_id, category and turns", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new DisdException($"{where}: expected a JSON object with question_id, category and turns");
            if (!root.TryGetProperty("question_id", out var id) || id.ValueKind is not (JsonValueKind.Number or JsonValueKind.String))
                throw new DisdException($"{where}: question_id is missing or not a number or string");
            if (!root.TryGetProperty("category", out var category) || category.ValueKind != JsonValueKind.String)
                throw new DisdException($"{where}: category is missing or not a string");
            if (!root.TryGetProperty("turns", out var turns) || turns.ValueKind != JsonValueKind.Array || turns.GetArrayLength() == 0)
                throw new DisdException($"{where}: turns is missing or not a non-empty list of user turns");
            var texts = new List<string>();
            foreach (var turn in turns.EnumerateArray())
            {
                if (turn.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(turn.GetString()))
                    throw new DisdException($"{where}: turn {texts.Count + 1} is not a non-empty string");
                texts.Add(turn.GetString()!);
            }
            return new SpecBenchQuestion(id.Clone(), category.GetString()!, texts);
        }
    }

    private static string AnswerLine(SpecBenchAnswer answer)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WritePropertyName("question_id");
            answer.Question.QuestionId.WriteTo(json);
            json.WriteString("category", answer.Question.Category);
            json.WriteString("answer_id", Guid.NewGuid().ToString("N"));
            json.WriteString("model_id", answer.ModelId);
            json.WriteStartArray("choices");
            json.WriteStartObject();
            json.WriteNumber("index", 0);
            var c = answer.Choice;
            json.WriteStartArray("turns");
            foreach (var turn in c.Turns)
                json.WriteStringValue(turn);
            json.WriteEndArray();
            WriteNumbers(json, "decoding_steps", c.DecodingSteps.Select(x => (double)x), integers: true);
            WriteNumbers(json, "new_tokens", c.NewTokens.Select(x => (double)x), integers: true);
            WriteNumbers(json, "wall_time", c.WallTime, integers: false);
            WriteNumbers(json, "accept_lengths", c.AcceptLengths.Select(x => (double)x), integers: true);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteNumber("tstamp", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteNumbers(Utf8JsonWriter json, string name, IEnumerable<double> values, bool integers)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            if (integers)
                json.WriteNumberValue((long)value);
            else
                json.WriteNumberValue(value);
        }
        json.WriteEndArray();
    }
}
