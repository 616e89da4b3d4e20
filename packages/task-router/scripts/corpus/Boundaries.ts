/**
 * Hand-written contrast lists for the boundaries the router confuses most (issue #16): reasoning against general
 * and code generation, and summarization against general and error diagnosis. Each list is written in styles the
 * rest of the corpus has little of (terse chatbot messages, Q&A posts, homework sheets, interview prep,
 * instruction-dataset phrasing) and across domains:
 * - an algorithm or a puzzle to *implement* is code generation, numbers and logic words notwithstanding;
 * - explaining how something works, advice, comparisons, trivia (with numbers), brainstorming, role play,
 *   classification and extraction from a given text are general;
 * - reasoning is deduction in steps: word problems, puzzles, estimates, proofs, planning under constraints, and
 *   "what follows if";
 * - condensing a pasted text (summary, TL;DR, key points, minutes, abstract) is summarization, while translating,
 *   rewriting, proofreading, answering or extending it is general;
 * - a pasted log asked to be recapped is summarization; asked why it failed, it is error diagnosis.
 */
import type { PayloadRequest, Standalone } from "./RequestsCode.ts"

/** Algorithmic code requests: interview and contest problems, homework exercises, "implement X in Y". */
export const algorithmicCode: ReadonlyArray<Standalone> = [
  ["backend", "write a function that returns the nth prime number"],
  ["backend", "Implement Dijkstra's shortest path algorithm in Go for a graph given as an adjacency list."],
  ["backend", "Given an array of integers nums and an integer target, return indices of the two numbers such that they add up to target. Solve it in Python in O(n)."],
  ["backend", "LeetCode 200 Number of Islands: give me a Java solution using BFS and explain the complexity briefly."],
  ["everyday", "my homework: write a C program that asks for 3 numbers and prints them in ascending order"],
  ["backend", "Interview prep: implement a function that checks whether a string is a permutation of a palindrome. Python please."],
  ["everyday", "Write a Python program that solves the Tower of Hanoi for n disks and prints every move."],
  ["backend", "code for binary search in c++ that returns the first index of the target, or -1"],
  ["backend", "Implement a trie with insert, search and startsWith in TypeScript."],
  ["datasci", "Write a function that computes the Levenshtein distance between two strings with dynamic programming."],
  ["everyday", "Write a program that prints FizzBuzz from 1 to 100 but in Rust."],
  ["backend", "Solve the knapsack problem in Python: weights, values and a capacity in, best total value and chosen items out."],
  ["everyday", "Write a program that finds all solutions of the 8 queens problem and prints how many there are."],
  ["backend", "Implement quicksort in Haskell, then a version that picks the median of three as pivot."],
  ["bioinfo", "Implement Needleman-Wunsch global alignment in Python with a match score of 1 and mismatch and gap penalties of -1."],
  ["bioinfo", "write python that finds the longest common substring of two DNA sequences"],
  ["everyday", "Create a JavaScript function that converts a Roman numeral to an integer."],
  ["backend", "Given a linked list, write code to detect whether it has a cycle (Floyd's algorithm), in C."],
  ["backend", "Write a function in Kotlin that returns all permutations of a list without duplicates."],
  ["everyday", "Code a sieve of Eratosthenes in Java that prints all primes up to N read from the command line."],
  ["web", "In JavaScript, write a function that takes an amount and a list of coin values and returns the fewest coins needed."],
  ["backend", "Topological sort in Python: input is a dict of task -> dependencies, output an order or an error if there's a cycle."],
  ["datasci", "Implement k-means clustering from scratch in numpy, no sklearn, and return the labels and centroids."],
  ["everyday", "Write a Python function that checks whether a sudoku board (9x9 list) is valid so far."],
  ["backend", "Write SQL to get the second highest salary from an Employee table, returning null if there isn't one."],
  ["backend", "Implement a min-heap class in C# with push, pop and peek."],
  ["everyday", "python program to calculate compound interest given principal, rate, years and compounding per year"],
  ["backend", "Write a function to rotate an N x N matrix 90 degrees clockwise in place. Any language, I prefer Go."],
  ["backend", "Solve 'merge k sorted lists' in Python with a heap and give the time complexity in one line."],
  ["everyday", "write a function that tells if a number is an Armstrong number, in c"],
  ["datasci", "Write R code that simulates the Monty Hall problem 10,000 times and prints the win rate for switching and for staying."],
  ["backend", "Implement the A* search algorithm on a grid with obstacles in C++; 4-directional moves, Manhattan heuristic."],
  ["backend", "Write a function that returns the number of ways to climb n stairs taking 1 or 2 steps at a time. Iterative, not recursive."],
  ["everyday", "Make a Python program that converts a decimal number to binary without using bin()."],
  ["web", "Write a TypeScript function that finds the longest increasing subsequence of an array and returns the subsequence itself."],
  ["backend", "Implement a thread-safe bounded blocking queue in Java without using java.util.concurrent."],
  ["bioinfo", "Write a function that translates a DNA sequence into protein in all six reading frames."],
  ["everyday", "Write a program that calculates the day of the week for any date using Zeller's congruence."],
  ["backend", "Code challenge: given a string, return the length of the longest substring without repeating characters. Scala."],
  ["datasci", "Write a function that computes the p-value of a two-sided binomial test by hand, without scipy."]
]

/** General requests that look like reasoning: how and why things work, advice, comparisons, trivia, ideas, play. */
export const generalNotReasoning: ReadonlyArray<Standalone> = [
  ["everyday", "how does a refrigerator actually keep things cold"],
  ["everyday", "Why do airplanes fly? I never understood lift."],
  ["backend", "How does garbage collection work in Java, roughly?"],
  ["web", "How does HTTPS keep my password safe? Explain the handshake in simple steps."],
  ["everyday", "What's the logic behind daylight saving time, and does it actually save energy?"],
  ["everyday", "Compare the iPhone 15 and the Pixel 8 for someone who mostly takes photos."],
  ["datasci", "Which is better for a beginner, PyTorch or TensorFlow? Pros and cons please."],
  ["everyday", "Should I pay off my student loan early or invest the money? What are the considerations?"],
  ["everyday", "How many bones are in the human body, and which is the smallest?"],
  ["everyday", "What is the population of Canada, and which province has the most people?"],
  ["everyday", "how far is the moon from the earth"],
  ["everyday", "When did World War II end, and how many countries were involved?"],
  ["everyday", "Brainstorm 10 names for a podcast about personal finance for young people."],
  ["writing", "Give me ideas for a science fiction short story set on a generation ship."],
  ["everyday", "Let's play a game: you are a detective in 1920s Chicago and I'm a witness. Start the scene."],
  ["everyday", "Act as my Spanish conversation partner. Ask me simple questions and correct my mistakes."],
  ["writing", "Translate into Italian: 'The meeting is moved to Thursday at 3 pm; bring the signed contracts.'"],
  ["writing", "Paraphrase this sentence three different ways: 'The committee rejected the proposal because it was too expensive.'"],
  ["everyday", "Classify each of these as a mammal, bird or fish: dolphin, penguin, salmon, bat, ostrich, shark."],
  ["everyday", "Which of these are programming languages and which are snakes: Python, Cobra, Ruby, Boa, Go, Mamba?"],
  ["everyday", "What are the arguments for and against nuclear power?"],
  ["everyday", "Why did the Titanic sink? What went wrong?"],
  ["everyday", "What causes inflation to go up, and what can central banks do about it?"],
  ["everyday", "What would happen to the oceans if all the ice on Earth melted?"],
  ["everyday", "Give me 5 tips for a job interview at a consulting firm, including the case interview."],
  ["backend", "Explain how a hash map works internally, no code, just the idea."],
  ["datasci", "How does gradient descent work? Intuition only, I'm not a math person."],
  ["everyday", "What is the Monty Hall problem and why do people find it so confusing? Just the story, I know the answer."],
  ["everyday", "Who is considered the greatest chess player of all time and why?"],
  ["everyday", "Tell me the rules of sudoku."],
  ["everyday", "I'm choosing between two apartments: one is bigger but 40 minutes from work, the other small but 10 minutes away. What should I think about?"],
  ["everyday", "Is it worth buying an electric bike for a 12 km commute? Give me the trade-offs."],
  ["bioinfo", "How does CRISPR work? Explain like I'm a high school student."],
  ["bioinfo", "Why is long-read sequencing better for structural variants? Conceptually."],
  ["devops", "How do load balancers decide which server gets a request? Overview of the common strategies."],
  ["everyday", "what's heavier on average, a male lion or a male tiger"],
  ["everyday", "How many hours of sleep does a teenager need, and why do teens go to bed late?"],
  ["writing", "What makes a good argument in an essay? Give me a checklist for my students."],
  ["everyday", "Describe the process of how a bill is passed in the UK parliament."],
  ["everyday", "What is game theory, and where is it used in everyday life?"],
  ["everyday", "What's the difference between deductive and inductive reasoning? Give an example of each."],
  ["everyday", "Explain the prisoner's dilemma in plain words."],
  ["writing", "Write a dialogue between Socrates and a modern teenager about social media."],
  ["everyday", "Recommend three board games for a family with kids aged 8 and 12."],
  ["everyday", "Why is the sky dark at night if there are so many stars?"],
  ["everyday", "If I want to run a marathon in 6 months, how should I train? I can run 5 km now."],
  ["everyday", "Which is the best time of year to visit Japan and why?"],
  ["everyday", "What are some good strategies to get better at chess as an adult beginner?"],
  ["writing", "Extract all the dates and the events mentioned in this sentence: 'The company was founded in 1998, went public in 2004 and was acquired in 2019.'"],
  ["everyday", "Based on what you know, who wrote the theory of general relativity and when was it published?"]
]

/** Reasoning in the styles of homework sheets, interview brain teasers, chat and Q&A: deduce, compute, plan, prove. */
export const reasoningVaried: ReadonlyArray<Standalone> = [
  ["everyday", "Q3. A train 150 m long passes a pole in 10 seconds. How long does it take to pass a platform 250 m long? Show your working."],
  ["everyday", "interview brain teaser: how many golf balls fit in a school bus? walk me through the estimate"],
  ["everyday", "Estimate how many piano tuners there are in Chicago. Explain your assumptions."],
  ["devops", "Rough estimate: how much storage do we need for a year of logs if 200 servers each write 50 MB a day and we compress 10:1?"],
  ["everyday", "If all roses are flowers and some flowers fade quickly, does it follow that some roses fade quickly? Explain."],
  ["everyday", "Ahmed, Beth and Carlos each own a different pet (cat, dog, fish). Beth is allergic to fur. Carlos's pet cannot swim. Who owns which pet?"],
  ["everyday", "Prove by induction that 1 + 2 + ... + n = n(n+1)/2."],
  ["everyday", "Prove that there are infinitely many prime numbers."],
  ["everyday", "Show that the product of any three consecutive integers is divisible by 6."],
  ["everyday", "We need to seat 6 guests at a round table so that no two spouses sit together; there are 3 couples. How many arrangements are there?"],
  ["everyday", "I must visit the bank (open 9-12), the post office (open 14-17) and the gym (90 minutes, any time), and I'm free from 10 to 16. Is there a schedule that works? Reason it out."],
  ["devops", "Plan the rollout: 5 services, B needs A, C needs A and B, D needs C, E is independent. Two can be deployed at a time, each takes 10 minutes. What's the fastest order?"],
  ["everyday", "If the Fed raises interest rates and mortgage payments go up, what follows for house prices and for renters? Trace the chain of effects step by step."],
  ["everyday", "Suppose every worker in a town gets a 10% raise but prices also rise 10%. What happens to their real income? Reason carefully."],
  ["everyday", "A password has 4 digits, no digit repeats and it's an even number. How many passwords are possible?"],
  ["everyday", "what's 15% of 240 plus a third of 90? show steps"],
  ["everyday", "A recipe for 4 needs 300 g of flour and 2 eggs. I have 1 kg of flour and 5 eggs. For how many people can I cook at most?"],
  ["everyday", "Two candles of equal length burn in 4 and 6 hours. Lit together, when is one exactly twice as long as the other?"],
  ["everyday", "Homework help: a number plus its half plus its quarter equals 70. What is the number? I need the method, not just the answer."],
  ["everyday", "There are red, blue and green hats; three logicians each see the others' hats. The first says 'I don't know', the second says 'I don't know'. Can the third know the colour of their hat? Explain."],
  ["datasci", "If a model is 95% accurate on a dataset where 95% of labels are 'no', what can you conclude about the model? Reason it out with numbers."],
  ["everyday", "Which is the better deal: 3 for 2 on a $4 item, or 30% off each? Work it out."],
  ["everyday", "A bag has 4 red and 6 green marbles. I draw 3 without looking. What's the probability that at least 2 are green?"],
  ["backend", "A request passes through 4 microservices, each with p99 latency of 100 ms. Is the end-to-end p99 400 ms? Argue why or why not."],
  ["everyday", "If it's 9 am in London, what time is it in Tokyo and in New York? Then: a call at 8 pm Tokyo time is what time in London?"],
  ["everyday", "Solve the system: 2x + 3y = 12 and x - y = 1. Check the solution."],
  ["everyday", "Find the derivative of x^2 * sin(x) and explain each rule you use."],
  ["everyday", "A tennis tournament has 64 players, single elimination. How many matches are played in total? Is there a quick way to see it?"],
  ["everyday", "Statement: 'If the alarm is on, the door is locked.' The door is not locked. What can we conclude about the alarm?"],
  ["everyday", "Put these in order from the given clues: the blue car is parked before the red one, the green one is last, the white one is between blue and red."],
  ["bioinfo", "If a library has 20 million reads and 30% are duplicates, and we need 10 million unique reads per sample, how many extra reads do we need to sequence? Reason step by step."],
  ["bioinfo", "A cross between a heterozygous tall plant and a short one gives 80 offspring. How many would you expect to be tall, and how sure can we be?"],
  ["datasci", "Two coins: one fair, one with heads on both sides. I pick one at random and flip it three times; all heads. What's the probability it is the fair coin?"],
  ["everyday", "You have 9 coins and one is fake and lighter. Find it in 2 weighings. How?"],
  ["everyday", "If 6 people can paint 3 houses in 4 days, how many days would 4 people need to paint 4 houses?"],
  ["everyday", "I save 50 dollars in the first month and 10 more each month after. When will I have 2000 saved? Reason it through."],
  ["everyday", "A clock loses 4 minutes every hour. It was set right at noon. What time does it show when the real time is 6 pm?"],
  ["writing", "Which conclusion follows? 'No novelist is a poet. Some teachers are novelists.' (a) Some teachers are not poets (b) No teacher is a poet. Explain."],
  ["everyday", "Can a knight visit every square of a 3x3 board exactly once? Argue why or why not."],
  ["everyday", "Think through this: a hospital has more births on some days than others; a small hospital and a large one record days with more than 60% boys. Which records more such days and why?"],
  ["everyday", "Let's reason about it: if the Earth stopped rotating but kept orbiting the Sun, how long would a day be, and what would follow for temperatures on each side?"],
  ["devops", "Our queue receives 120 messages a second and each worker handles 15 a second. With 6 workers, how fast does the backlog grow, and how many workers do we need to drain 10,000 queued messages in 5 minutes?"]
]

/** Requests that condense a pasted text, in chat, workplace and instruction-dataset styles. */
export const condenseRequests: ReadonlyArray<PayloadRequest> = [
  { text: "summarize", kinds: ["document", "dialogue"] },
  { text: "Key points?", kinds: ["document"] },
  { text: "Can you turn these meeting notes into minutes: attendees, decisions, action items?", kinds: ["dialogue", "document"] },
  { text: "give me a tl;dr i can paste in slack", kinds: ["document", "dialogue"] },
  { text: "What are the 3 most important points in this article?", kinds: ["document"] },
  { text: "Summarize the following text in one sentence.", kinds: ["document"] },
  { text: "Write a brief summary of this customer call for the CRM.", kinds: ["dialogue"] },
  { text: "Please provide a summary of the passage below, focusing on the main argument.", kinds: ["document"] },
  { text: "I'm preparing for an exam. Make me short revision notes from this text.", kinds: ["document"] },
  { text: "What's the bottom line here?", kinds: ["document", "dialogue"] },
  { text: "Shorten this to a paragraph I can put in the weekly report.", kinds: ["document"] },
  { text: "Can you list the main claims the author makes, one line each?", kinds: ["document"] },
  { text: "summarise this for my grandma in simple words", kinds: ["document"] },
  { text: "From this transcript, what did each person say, briefly?", kinds: ["dialogue"] },
  { text: "Create an executive summary with the problem, findings and recommendation.", kinds: ["document"] },
  { text: "Give me a quick overview of what this says before I read it properly.", kinds: ["document"] }
]

/** Requests that rework a pasted text without condensing it: translate, rewrite, proofread, answer, extend, extract. */
export const reworkRequests: ReadonlyArray<PayloadRequest> = [
  { text: "translate to english", kinds: ["document", "dialogue"] },
  { text: "Proofread this and point out any grammar mistakes.", kinds: ["document"] },
  { text: "Can you make this sound more professional? Keep the length.", kinds: ["document"] },
  { text: "Write a reply to this email accepting the offer and asking about the start date.", kinds: ["document"] },
  { text: "Rewrite this paragraph in the first person.", kinds: ["document"] },
  { text: "Make this text more engaging for a blog, you can add details.", kinds: ["document"] },
  { text: "Convert this into a formal letter.", kinds: ["document"] },
  { text: "Paraphrase this so it doesn't sound copied.", kinds: ["document"] },
  { text: "Based on this passage, who is the main character and where does the story take place?", kinds: ["document"] },
  { text: "Respond to this customer message in a friendly and apologetic tone.", kinds: ["document", "dialogue"] },
  { text: "Write three quiz questions about this text for my students.", kinds: ["document"] },
  { text: "Expand this into a full article of about 500 words.", kinds: ["document"] },
  { text: "Is the tone of this email too harsh? How would you soften it?", kinds: ["document"] },
  { text: "What would be a good reply from Anna in this chat?", kinds: ["dialogue"] }
]

/** Recaps of a pasted run or log: what a job did, for a handover, a notebook or a ticket (summarization). */
export const logRecaps: ReadonlyArray<PayloadRequest> = [
  { text: "summarize what this job did", kinds: ["output", "error_log"] },
  { text: "Give me a short recap of this run for the ticket: what ran, how long, what it produced.", kinds: ["output"] },
  { text: "Can you summarize this log in a few bullet points for the standup?", kinds: ["output", "error_log"] },
  { text: "Write a two-line summary of this build output for the release notes.", kinds: ["output"] },
  { text: "I need a plain-English summary of this console output for my supervisor, step by step what happened.", kinds: ["output", "error_log"] },
  { text: "tl;dr of this log?", kinds: ["output", "error_log"] },
  { text: "Summarise the steps this pipeline went through, in order, from the output below.", kinds: ["output"] },
  { text: "For the incident timeline, summarize the events in this log with their times.", kinds: ["error_log", "output"] }
]

/** A short text given inline, in the same message, to be condensed (instruction-dataset and chat style). */
export const summarizeInline: ReadonlyArray<Standalone> = [
  ["everyday", "Summarize this in one sentence: The city council met on Tuesday to discuss the new bike lanes. Residents from the east side complained about losing parking, while cyclists argued that the lanes would make the route safer. The council postponed the vote until next month so that an independent traffic study can be done."],
  ["writing", "Give me a summary of this paragraph: Marie Curie was a Polish and naturalised-French physicist and chemist who conducted pioneering research on radioactivity. She was the first woman to win a Nobel Prize, the first person to win a Nobel Prize twice, and the only person to win a Nobel Prize in two scientific fields."],
  ["datasci", "tl;dr: we tried three models on the churn data. Logistic regression got an AUC of 0.71, the random forest 0.78 and gradient boosting 0.80, but boosting took ten times longer to train and was harder to explain to the business, so the team is leaning towards the random forest for the first release."],
  ["backend", "What's the gist of this? 'Starting next sprint, all services must expose a /health endpoint, emit structured JSON logs and propagate the trace id header. Services that don't comply by the end of Q2 will not be deployable through the shared pipeline.'"],
  ["everyday", "Can you sum up what this review says? 'The hotel was clean and the staff were friendly, but the room was much smaller than in the photos and the breakfast was overpriced. The location near the station is great if you arrive late.'"],
  ["bioinfo", "Summarize in two bullet points: Single-cell RNA sequencing measures gene expression in individual cells rather than averaging over a tissue. This reveals rare cell types and transitions between states, but the data are sparse and noisy, and batch effects between runs can be larger than the biological differences of interest."],
  ["writing", "Write a one-line summary of this product description: a lightweight waterproof hiking jacket with taped seams, two zipped hand pockets, an adjustable hood and pit zips for ventilation, packable into its own pocket and weighing 280 grams."],
  ["devops", "Condense this into a sentence for the changelog: we replaced the nightly cron job that rebuilt all images with a webhook that rebuilds only the images whose base changed, which cut the build time from two hours to about ten minutes and halved the registry storage."],
  ["everyday", "what are the main points here: Regular exercise improves sleep, mood and concentration. Experts recommend at least 150 minutes of moderate activity a week, such as brisk walking, along with two days of muscle strengthening. Even short bouts of ten minutes count towards the total."],
  ["writing", "Please summarize the following story in three sentences: A fisherman finds a talking fish that offers him wishes. His wife keeps asking for more: a house, a castle, to be queen, and finally to be like God. Each time the sea grows darker, and at the last wish everything is taken back and they are in their old hut again."]
]

/** An inline text with a request that is not a summary: extract, answer from it, classify, rewrite (general). */
export const inlineTextGeneral: ReadonlyArray<Standalone> = [
  ["everyday", "From the passage, when was the bridge opened? 'The Golden Gate Bridge, spanning the strait between San Francisco Bay and the Pacific, opened in 1937 and was at the time the longest suspension bridge in the world.'"],
  ["writing", "Extract the names of all the people mentioned: 'After the concert, Maria and her brother Tom met the conductor, Mr. Alvarez, who introduced them to the pianist, Yuki Tanaka.'"],
  ["everyday", "Given this text, is the restaurant open on Mondays? 'Open Tuesday to Sunday, 12-3 pm and 6-11 pm. Closed on public holidays. Reservations recommended for groups over six.'"],
  ["writing", "Rewrite this so it sounds less robotic: 'Your request has been received. It will be processed in the order it was received. Thank you for your patience.'"],
  ["writing", "Make this sentence shorter and punchier for an ad: 'Our new coffee blend is made from carefully selected beans that are roasted in small batches to bring out their natural sweetness.'"],
  ["everyday", "Classify the sentiment of this review as positive, negative or mixed: 'The battery lasts forever but the screen scratches way too easily.'"],
  ["writing", "Translate to German: 'Thank you for your message. I am out of the office until Monday and will reply as soon as I'm back.'"],
  ["writing", "Fix the grammar: 'me and him goes to the store yesterday and buyed three apple'"],
  ["everyday", "Using the text below, list the ingredients I need to buy. 'Mix two cups of flour with a teaspoon of baking powder, add three eggs and a cup of milk, then fold in a handful of blueberries.'"],
  ["writing", "Turn this into a tweet under 280 characters: 'We are pleased to announce that our annual open day will take place on Saturday 14 June, with guided tours, talks from our researchers and activities for children.'"],
  ["everyday", "Reply to my friend's text, she wrote: 'hey are we still on for saturday? I can bring snacks if you want'"],
  ["writing", "Write a catchy headline for this paragraph: 'Scientists have found that crows can recognise individual human faces and remember people who treated them badly for years.'"]
]

