import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { useState } from "react";
import { describe, expect, it } from "vitest";

import { TOO_MANY_ATTACHMENTS, UNSUPPORTED_ATTACHMENT } from "../lib/appeals";
import { AttachmentsField } from "./Appeal";

function Harness() {
  const [files, setFiles] = useState<File[]>([]);
  return <AttachmentsField files={files} onChange={setFiles} />;
}

const pdf = (name: string) => new File(["%PDF-1.4\n%%EOF\n"], name, { type: "application/pdf" });

describe("the files of an appeal", () => {
  it("are checked as they are chosen: a program named .jpg is refused, three files at most", async () => {
    render(<Harness />);
    const input = screen.getByLabelText("Файлы (необязательно)");
    const program = new File([new Uint8Array([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0])], "photo.jpg", { type: "image/jpeg" });
    fireEvent.change(input, { target: { files: [program, pdf("акт.pdf")] } });
    expect(await screen.findByText(`photo.jpg: ${UNSUPPORTED_ATTACHMENT}`)).toBeInTheDocument();
    expect(screen.getByRole("list", { name: "Выбранные файлы" })).toHaveTextContent("акт.pdf");
    expect(input).toHaveAttribute("aria-invalid", "true");

    fireEvent.change(input, { target: { files: [pdf("1.pdf"), pdf("2.pdf"), pdf("3.pdf")] } });
    expect(await screen.findByText(TOO_MANY_ATTACHMENTS)).toBeInTheDocument();
    expect(screen.getAllByRole("button", { name: /^Удалить файл/ })).toHaveLength(3);

    fireEvent.click(screen.getByRole("button", { name: "Удалить файл акт.pdf" }));
    await waitFor(() => expect(screen.getAllByRole("button", { name: /^Удалить файл/ })).toHaveLength(2));
    expect(screen.queryByText(TOO_MANY_ATTACHMENTS)).toBeNull();
  });
});
